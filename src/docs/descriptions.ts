// The prose of the OpenAPI document: the overview (info.description) and the realtime section.
export const realtimeDescription = `## Realtime (Socket.IO)

Every route above is a Feathers service method, callable over Socket.IO with the same hooks
(\`client.service('api/chats/:chat_id/messages').create(data, { route: { chat_id } })\`: route parameters go in
\`params.route\`). Authenticate the socket with \`POST /api/authentication\` (\`{strategy: 'jwt', accessToken}\`)
over the connection; it then joins \`users/<user_id>\` and \`chats/<chat_id>\` for each of its chats, and
membership changes move live connections at once.

| seed event | Feathers service · event (listen on the template path) | payload | who receives it |
|---|---|---|---|
| \`new_message\` | \`api/messages\` · \`created\` | the message | members of the chat |
| \`message_edited\` | \`api/messages\` · \`patched\` (PUT and PATCH) | the message | members of the chat |
| thread summary | \`api/messages\` · \`patched\` (once per committed batch of replies) | the root, with its new \`thread\` | members of the chat |
| \`message_deleted\` | \`api/messages\` · \`removed\` | the tombstone | members of the chat |
| \`user_status\` | \`api/users/status\` · \`user_status\` | \`{user_id, status, last_seen}\` | users sharing a chat with that user, and the user's own connections |
| \`typing_start\` / \`typing_stop\` | \`api/chats/:chat_id/typing\` · \`typing_start\` / \`typing_stop\` | \`{chat_id, user_id}\` | the *other* members of the chat; \`typing_stop\` also comes by itself 5 s after the last \`typing: true\` |
| read receipts | \`api/chats/:chat_id/mark-read\` · \`read\` | \`{chat_id, user_id, last_read_seq}\`; the reader's own connections also get \`unread_count\` and \`mention_count\` | members of the chat |
| new private chat | \`api/chats\` · \`created\` | the chat as each member sees it (\`other_user\` is the other one) | both users |
| group created / changed / deleted | \`api/groups\` · \`created\` / \`patched\` / \`removed\` | the group (\`members\` on created; \`member_ids\` on removed) | its members |
| member added / removed / left | \`api/groups/:group_id/members\` · \`created\` / \`removed\` | \`{group_id, chat_id, user_id, role, joined_at, name, avatar_url, reason?}\` | the group's members and the user concerned |
| own profile changed | \`api/users\` · \`patched\` | the user | that user's own connections |
| reaction added / removed | \`api/messages/:message_id/reactions\` · \`created\` / \`removed\` | \`{chat_id, message_id, emoji, user_id, count}\` | members of the chat |
| pin added / removed | \`api/chats/:chat_id/pins\` · \`created\` / \`removed\` | \`{chat_id, message_id, pinned_at, pinned_by}\` | members of the chat |
| webhook registered / changed (disabled after failures) / removed | \`api/webhooks\` · \`created\` / \`patched\` / \`removed\` | the webhook, never its secret | the user who created it |
| member muted / unmuted | \`api/groups/:group_id/members/:member_id/mute\` · \`created\` / \`removed\` | \`{group_id, chat_id, user_id, muted_until, muted_by}\` | members of the group's chat |
| new report | \`api/messages/:message_id/reports\` · \`created\` | the report | the group's owners and admins only |
| report resolved | \`api/groups/:group_id/reports\` · \`patched\` | the report | the group's owners and admins only |

Events are emitted under the service's **template path**, so a client listens on
\`client.service('api/chats/:chat_id/typing').on('typing_start', …)\` and filters on \`chat_id\`.

**Reconnect.** Keep the highest \`seq\` seen per chat; after a reconnect page
\`GET /api/chats/{chat_id}/messages?after_seq=<seq>\` (oldest first) until \`has_more\` is false, and apply
messages by \`seq\`, ignoring any already applied.`

export const overview = `A realtime chat backend on FeathersJS v5: every resource is a Feathers service served over REST (Koa)
and Socket.IO with the same hooks (authentication, validation, membership).

JSON in and out, \`snake_case\` fields, ids are ULIDs. Errors have the Feathers shape
\`{name, message, code, className, data?}\`; validation errors are 400s whose message names the field. Anyone
outside a chat, group, message or file gets **404** for it, exactly as if it did not exist; a member without
the needed role gets **403**.

**Authentication.** \`POST /api/auth/login\` returns \`access_token\` (a JWT, sent as
\`Authorization: Bearer <access_token>\`; use the *Authorize* button below) and a one-use \`refresh_token\`
(\`POST /api/auth/refresh\`).`

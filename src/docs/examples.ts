// Example payloads shown in the API documentation. test/docs.test.ts validates each one against the schema
// it illustrates, so they cannot drift from the documented shapes.
const at = '2025-01-15T09:30:00.000Z'
const later = '2025-01-15T09:31:12.000Z'

const ids = {
  ada: '01JHB6Q7W3ZP4K9M2N5R8T1V6X',
  grace: '01JHB6R2C8D4F7G9H3J5K6M8N0',
  privateChat: '01JHB6S4P1Q3R5S7T9V2W4X6Y8',
  groupChat: '01JHB6T6A2B4C6D8E0F2G4H6J8',
  group: '01JHB6V8K1M3N5P7Q9R2S4T6V8',
  message: '01JHB6W9X2Y4Z6A8B0C2D4E6F8',
  file: '01JHB6X1G3H5J7K9M1N3P5Q7R9'
}

export const exampleIds = ids

export const exampleUser = {
  user_id: ids.ada,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  avatar_url: null,
  bio: 'Analytical engines',
  status: 'online',
  last_seen: null,
  is_bot: false,
  created_at: at,
  updated_at: at
}

/** Someone else's profile: no email. */
export const exampleOtherUser = {
  user_id: ids.grace,
  name: 'Grace Hopper',
  avatar_url: null,
  bio: null,
  status: 'away',
  last_seen: later,
  is_bot: false,
  created_at: at,
  updated_at: at
}

export const exampleFile = {
  file_id: ids.file,
  user_id: ids.ada,
  filename: 'diagram.png',
  mime_type: 'image/png',
  size: 48213,
  url: `/api/files/${ids.file}/content`,
  purpose: 'message',
  created_at: at
}

export const exampleMessage = {
  message_id: ids.message,
  chat_id: ids.privateChat,
  sender_id: ids.ada,
  sender_name: 'Ada Lovelace',
  sender_avatar: null,
  content: 'Hello, Grace!',
  type: 'text',
  status: 'sent',
  reply_to: null,
  file_id: null,
  seq: 42,
  client_id: 'c-5f0e2a',
  edited_at: null,
  deleted_at: null,
  created_at: later,
  thread_root_id: null,
  thread: null,
  mentions: [],
  reactions: [{ emoji: '👍', count: 2, me: true }],
  pinned_at: null,
  pinned_by: null
}

export const exampleImageMessage = {
  ...exampleMessage,
  content: 'The diagram',
  type: 'image',
  file_id: ids.file,
  client_id: null,
  file: exampleFile
}

export const exampleEdited = { ...exampleMessage, content: 'Hello again, Grace!', edited_at: later }

export const exampleTombstone = { ...exampleMessage, content: '', deleted_at: later }

const chatUser = {
  user_id: ids.grace,
  name: 'Grace Hopper',
  avatar_url: null,
  status: 'away',
  last_seen: later,
  is_bot: false
}

export const examplePrivateChat = {
  chat_id: ids.privateChat,
  type: 'private',
  name: null,
  avatar_url: null,
  description: null,
  created_by: ids.ada,
  last_seq: 42,
  last_message_at: later,
  created_at: at,
  updated_at: later,
  last_read_seq: 40,
  unread_count: 2,
  mention_count: 1,
  last_message: exampleMessage,
  other_user: chatUser
}

export const exampleMember = {
  ...chatUser,
  user_id: ids.ada,
  name: 'Ada Lovelace',
  status: 'online',
  last_seen: null,
  joined_at: at,
  last_read_seq: 42,
  role: 'owner'
}

export const exampleChatWithMembers = {
  ...examplePrivateChat,
  members: [
    {
      user_id: ids.ada,
      name: 'Ada Lovelace',
      avatar_url: null,
      status: 'online',
      last_seen: null,
      is_bot: false,
      joined_at: at,
      last_read_seq: 40
    },
    { ...chatUser, joined_at: at, last_read_seq: 42 }
  ]
}

export const exampleGroup = {
  group_id: ids.group,
  chat_id: ids.groupChat,
  name: 'Engine room',
  description: 'Difference and analytical',
  avatar_url: null,
  owner_id: ids.ada,
  member_count: 2,
  created_at: at,
  updated_at: at,
  members: [exampleMember, { ...chatUser, joined_at: at, last_read_seq: 0, role: 'member' }]
}

export const exampleGroupMember = {
  group_id: ids.group,
  chat_id: ids.groupChat,
  user_id: ids.grace,
  role: 'member',
  joined_at: at,
  name: 'Grace Hopper',
  avatar_url: null,
  is_bot: false
}

export const exampleTokenPair = {
  access_token:
    'eyJhbGciOiJIUzI1NiIsInR5cCI6ImFjY2VzcyJ9.eyJzdWIiOiIwMUpIQjZRN1czWlA0SzlNMk41UjhUMVY2WCJ9.c2ln',
  refresh_token: 'rt_7Jx3Qm9KpV2sLw8Y4nB6cD1fG5hT0aZe',
  expires_in: 86400,
  user: exampleUser
}

export const exampleError = (
  code: number,
  name: string,
  className: string,
  message: string,
  data?: unknown
) => ({
  name,
  message,
  code,
  className,
  ...(data === undefined ? {} : { data })
})

export const exampleThreadRoot = {
  ...exampleMessage,
  thread: { reply_count: 3, last_reply_at: later, participant_ids: [ids.grace, ids.ada] }
}

export const exampleThreadReply = {
  ...exampleMessage,
  content: 'Agreed.',
  seq: 45,
  client_id: null,
  thread_root_id: ids.message,
  mentions: [ids.ada]
}

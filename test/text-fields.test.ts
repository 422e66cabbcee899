// Text a client sends is checked by the schemas (src/validators.ts, src/text.ts): every string must be text
// PostgreSQL can store (no NUL, no lone surrogate), names must show something, links must be http(s).
// Each refusal is a 400 that names the field.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {
  createGroup,
  createUser,
  http,
  sendText,
  socketClient,
  startServer,
  uniqueEmail,
  type TestServer,
  type TestUser
} from './helpers'
import { cleanFilename } from '../src/services/uploads/uploads.class'

const NUL = 'a\u0000b'
const LONE_SURROGATE = 'a\ud800b'

/** Every compiled validator exported by a `*.schema.ts` file, with where it came from. */
const schemaValidators = () => {
  const root = path.join(__dirname, '../src/services')
  const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) =>
    f.endsWith('.schema.ts')
  )
  return files.flatMap((file) =>
    // The tests run under tsx/cjs, which loads .ts files through require (not through import()).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Object.entries(require(path.join(root, file)) as Record<string, any>)
      .filter(([, value]) => typeof value === 'function' && typeof value.schema === 'object')
      .map(([name, validator]) => ({ name: `${file}: ${name}`, schema: validator.schema }))
  )
}

/** Paths of the string schemas (no enum or const) inside `schema` that lack `check`. */
const stringsWithout = (schema: any, check: (node: any) => boolean, at = '#'): string[] => {
  if (!schema || typeof schema !== 'object') return []
  const own =
    schema.type === 'string' && !('enum' in schema) && !('const' in schema) && !check(schema) ? [at] : []
  return [
    ...own,
    ...Object.entries(schema).flatMap(([key, value]) => stringsWithout(value, check, `${at}/${key}`))
  ]
}

describe('text fields: storable text, visible names, http(s) links', () => {
  let server: TestServer
  let url: string
  let ann: TestUser
  let bob: TestUser
  let group: { group_id: string; chat_id: string }
  let messageId: string

  before(async () => {
    server = await startServer()
    url = server.url
    ann = await createUser(url, 'Text Ann')
    bob = await createUser(url, 'Text Bob')
    group = await createGroup(url, ann, 'Text group', [bob])
    messageId = (await sendText(url, ann, group.chat_id, 'to be edited')).message_id
  })
  after(() => server.stop())

  /** A 400 whose message names `field` with `rule`, and whose data points at it. */
  const assertRefused = (res: { status: number; body: any; text: string }, field: string, rule: RegExp) => {
    assert.equal(res.status, 400, res.text)
    assert.match(res.body.message, /^Invalid data: /)
    const named = String(res.body.message).split('; ')
    assert.ok(
      named.some((part) => part.replace(/^Invalid data: /, '').startsWith(`${field} `) && rule.test(part)),
      `${field} is not named with ${rule}: ${res.body.message}`
    )
    const pointer = `/${field.replace(/\./g, '/')}`
    assert.ok(
      res.body.data?.some((e: any) => e.instancePath === pointer),
      `no error at ${pointer}: ${res.text}`
    )
  }

  describe('NUL and lone surrogates', () => {
    it('every string of every data and query schema carries the storable rule', () => {
      const validators = schemaValidators()
      assert.ok(validators.length >= 20, `found ${validators.length} validators`)
      // userValidator checks the stored row's shape (the generator's convention); nothing sent is checked by it.
      const missing = validators
        .filter((v) => !v.name.endsWith(': userValidator'))
        .flatMap((v) =>
          stringsWithout(v.schema, (node) => node.storable === true).map((p) => `${v.name} ${p}`)
        )
      assert.deepEqual(missing, [])
    })

    const bodies: Array<{ what: string; method: string; path: () => string; body: (bad: string) => object }> =
      [
        {
          what: 'register name',
          method: 'POST',
          path: () => '/api/auth/register',
          body: (bad) => ({ name: bad, email: 'nul@example.com', password: 'correct horse battery' })
        },
        {
          what: 'register password',
          method: 'POST',
          path: () => '/api/auth/register',
          body: (bad) => ({ name: 'N', email: 'nul2@example.com', password: `correct horse ${bad}` })
        },
        {
          what: 'login email',
          method: 'POST',
          path: () => '/api/auth/login',
          body: (bad) => ({ email: bad, password: 'correct horse battery' })
        },
        {
          what: 'refresh refresh_token',
          method: 'POST',
          path: () => '/api/auth/refresh',
          body: (bad) => ({ refresh_token: bad })
        },
        {
          what: 'profile name',
          method: 'PUT',
          path: () => '/api/users/profile',
          body: (bad) => ({ name: bad })
        },
        {
          what: 'profile bio',
          method: 'PUT',
          path: () => '/api/users/profile',
          body: (bad) => ({ bio: bad })
        },
        { what: 'group name', method: 'POST', path: () => '/api/groups', body: (bad) => ({ name: bad }) },
        {
          what: 'group description',
          method: 'POST',
          path: () => '/api/groups',
          body: (bad) => ({ name: 'G', description: bad })
        },
        {
          what: 'group member_ids.0',
          method: 'POST',
          path: () => '/api/groups',
          body: (bad) => ({ name: 'G', member_ids: [bad] })
        },
        {
          what: 'group update description',
          method: 'PATCH',
          path: () => `/api/groups/${group.group_id}`,
          body: (bad) => ({ description: bad })
        },
        {
          what: 'group member user_id',
          method: 'POST',
          path: () => `/api/groups/${group.group_id}/members`,
          body: (bad) => ({ user_id: bad })
        },
        {
          what: 'private chat user_id',
          method: 'POST',
          path: () => '/api/chats/private',
          body: (bad) => ({ user_id: bad })
        },
        {
          what: 'mark-read message_id',
          method: 'PUT',
          path: () => `/api/chats/${group.chat_id}/mark-read`,
          body: (bad) => ({ message_id: bad })
        },
        {
          what: 'message content',
          method: 'POST',
          path: () => `/api/chats/${group.chat_id}/messages`,
          body: (bad) => ({ content: bad })
        },
        {
          what: 'message client_id',
          method: 'POST',
          path: () => `/api/chats/${group.chat_id}/messages`,
          body: (bad) => ({ content: 'hi', client_id: bad })
        },
        {
          what: 'message reply_to',
          method: 'POST',
          path: () => `/api/chats/${group.chat_id}/messages`,
          body: (bad) => ({ content: 'hi', reply_to: bad })
        },
        {
          what: 'edit content',
          method: 'PATCH',
          path: () => `/api/messages/${messageId}`,
          body: (bad) => ({ content: bad })
        },
        {
          what: 'edit (PUT) content',
          method: 'PUT',
          path: () => `/api/messages/${messageId}`,
          body: (bad) => ({ content: bad })
        }
      ]
    for (const { what, method, path: route, body } of bodies) {
      const field = what.split(' ').pop()!
      it(`${what}: NUL and a lone surrogate are a 400 naming ${field}`, async () => {
        for (const bad of [NUL, LONE_SURROGATE]) {
          const res = await http(url, method, route(), { token: ann.access_token, body: body(bad) })
          assertRefused(res, field, /must not contain NUL \(U\+0000\) or an unpaired UTF-16 surrogate/)
        }
      })
    }

    it('search queries: a NUL in q (REST) or a lone surrogate (socket) is a 400 naming q', async () => {
      for (const route of [`/api/chats/${group.chat_id}/messages/search`, '/api/users/search']) {
        const res = await http(url, 'GET', `${route}?q=a%00b`, { token: ann.access_token })
        assertRefused(res, 'q', /must not contain NUL/)
      }
      const res = await http(url, 'GET', `/api/chats/${group.chat_id}/messages?before=a%00b`, {
        token: ann.access_token
      })
      assertRefused(res, 'before', /must not contain NUL/)
      const s = socketClient(url)
      try {
        await s.client.authenticate({ strategy: 'jwt', accessToken: ann.access_token })
        const error: any = await s.client
          .service('api/chats/:chat_id/messages/search' as any)
          .find({ route: { chat_id: group.chat_id }, query: { q: LONE_SURROGATE } })
          .then(
            () => undefined,
            (e: any) => e
          )
        assert.equal(error?.code, 400, String(error))
        assert.match(error.message, /^Invalid data: q must not contain NUL/)
      } finally {
        s.close()
      }
    })

    it('an uploaded filename keeps no control, bidi control or lone surrogate, and at most 255 code points', () => {
      assert.equal(cleanFilename('a\ud800b\u0000.png'), 'ab.png')
      assert.equal(cleanFilename('invoice\u202egpj.exe'), 'invoicegpj.exe')
      const long = cleanFilename('😀'.repeat(300))
      assert.equal([...long].length, 255)
      assert.doesNotMatch(long, /[\ud800-\udfff]/u, 'a pair is never cut in half')
    })
  })

  describe('names need a visible character', () => {
    const invisible = {
      'zero-width spaces and joiners': '\u200b\u200c\u200d\u2060\ufeff',
      'bidi controls': '\u202e\u2066\u200f',
      'whitespace of every kind': ' \t\u00a0\u3000\u2028',
      'combining marks alone': '\u0301\u0308',
      'Hangul fillers': '\u3164\u115f\u1160\uffa0',
      'a blank braille pattern and a variation selector': '\u2800\ufe0f'
    }
    for (const [what, name] of Object.entries(invisible)) {
      it(`${what}: refused as a user name (register, profile) and a group name (create, update)`, async () => {
        const attempts = [
          http(url, 'POST', '/api/auth/register', {
            body: { name, email: uniqueEmail(), password: 'correct horse battery' }
          }),
          http(url, 'PUT', '/api/users/profile', { token: ann.access_token, body: { name } }),
          http(url, 'POST', '/api/groups', { token: ann.access_token, body: { name } }),
          http(url, 'PATCH', `/api/groups/${group.group_id}`, { token: ann.access_token, body: { name } })
        ]
        for (const res of await Promise.all(attempts))
          assertRefused(res, 'name', /must contain at least one visible character/)
      })
    }

    it('a name is stored NFC-normalized and trimmed; letters of any script and emoji are names', async () => {
      const res = await http(url, 'PUT', '/api/users/profile', {
        token: bob.access_token,
        body: { name: '  Zoe\u0308 \u200b ' }
      })
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.name, 'Zo\u00eb \u200b', 'NFC, outer whitespace trimmed')
      for (const name of ['李', '😀', 'ﷺ', 'A\u200bB']) {
        const group = await http(url, 'POST', '/api/groups', {
          token: bob.access_token,
          body: { name: ` ${name} ` }
        })
        assert.equal(group.status, 201, group.text)
        assert.equal(group.body.name, name.normalize('NFC'))
      }
    })
  })

  describe('links are http(s) only', () => {
    const refused = [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://example.com/a.png',
      'https://trusted.example@evil.example/a.png',
      ' https://example.com/a.png',
      'https://exa mple.com/a.png',
      '/api/files/01ABC/content',
      'https:example.com'
    ]
    it('avatar_url of a user (register, profile) and a group (create, update) refuses anything else', async () => {
      for (const avatar_url of refused) {
        const attempts = [
          http(url, 'POST', '/api/auth/register', {
            body: {
              name: 'U',
              email: uniqueEmail(),
              password: 'correct horse battery',
              avatar_url
            }
          }),
          http(url, 'PUT', '/api/users/profile', { token: ann.access_token, body: { avatar_url } }),
          http(url, 'POST', '/api/groups', { token: ann.access_token, body: { name: 'G', avatar_url } }),
          http(url, 'PATCH', `/api/groups/${group.group_id}`, {
            token: ann.access_token,
            body: { avatar_url }
          })
        ]
        for (const res of await Promise.all(attempts)) assertRefused(res, 'avatar_url', /http-url/)
      }
    })

    it('http and https URLs (any case, with a port, a path and a query) are kept as sent', async () => {
      for (const avatar_url of ['https://cdn.example.com/a.png', 'HTTP://example.com:8080/a/b.png?size=64']) {
        const res = await http(url, 'PUT', '/api/users/profile', {
          token: ann.access_token,
          body: { avatar_url }
        })
        assert.equal(res.status, 200, res.text)
        assert.equal(res.body.avatar_url, avatar_url)
        const patched = await http(url, 'PATCH', `/api/groups/${group.group_id}`, {
          token: ann.access_token,
          body: { avatar_url }
        })
        assert.equal(patched.status, 200, patched.text)
        assert.equal(patched.body.avatar_url, avatar_url)
      }
    })
  })
})

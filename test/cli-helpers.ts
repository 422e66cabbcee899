// Helpers for the CLI tests: run `src/cli/index.ts` as a child process, and make throw-away databases.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import knex, { type Knex } from 'knex'

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

const root = path.join(__dirname, '..')

/** The parent's environment without any database, Redis or upload setting: each test says what it uses. */
const baseEnv = () => {
  const env: Record<string, string | undefined> = { ...process.env }
  for (const name of Object.keys(env)) {
    if (/^(DATABASE_URL|DB_|REDIS_|PGLITE_DIR|UPLOAD_DIR|LOG_)/.test(name)) delete env[name]
  }
  return env
}

/** `node --import tsx src/cli/index.ts <args>` with NODE_ENV=test and `env`; resolves when it exits. */
export const runCli = (args: string[], env: Record<string, string>): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: root,
      env: { ...baseEnv(), NODE_ENV: 'test', DB_MIGRATE_ON_START: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })

/** Runs a command that must succeed; returns its stdout. */
export const cliOk = async (args: string[], env: Record<string, string>) => {
  const result = await runCli(args, env)
  assert.equal(result.code, 0, `chat-admin ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`)
  assert.doesNotMatch(result.stdout + result.stderr, /password_hash|\$2[aby]\$/, 'no hash in CLI output')
  return result.stdout
}

/** Runs a command with --json that must succeed; returns the parsed output. */
export const cliJson = async <T = any>(args: string[], env: Record<string, string>): Promise<T> =>
  JSON.parse(await cliOk([...args, '--json'], env))

/** A new empty database on the test server of TEST_POSTGRES_URL (dropped by `drop`). */
export const freshDatabase = async (adminUrl: string, name: string) => {
  const admin = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } })
  await admin.raw(`CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const db = knex({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 2 } })
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.destroy()
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.destroy()
    }
  }
}

/**
 * The seeded data without generated ids and timestamps: users, private chats as email pairs, groups with
 * their members' roles, and every message (chat, seq, sender, content). Equal snapshots = the same data.
 */
export const snapshot = async (db: Knex) => {
  const users = await db('users').orderBy('email').select('name', 'email')
  const emailOf = new Map<string, string>(
    (await db('users').select('user_id', 'email')).map((u: any) => [u.user_id, u.email])
  )
  const participants = await db('chat_participants').select('chat_id', 'user_id')
  const groups = await db('groups').select('group_id', 'chat_id', 'name')
  const chatKey = new Map<string, string>()
  for (const group of groups) chatKey.set(group.chat_id, `group:${group.name}`)
  for (const chat of await db('chats').where({ type: 'private' }).select('chat_id')) {
    const emails = participants
      .filter((p: any) => p.chat_id === chat.chat_id)
      .map((p: any) => emailOf.get(p.user_id))
    chatKey.set(chat.chat_id, `private:${emails.sort().join('+')}`)
  }
  const members = await db('group_members').select('group_id', 'user_id', 'role')
  return {
    users,
    chats: [...chatKey.values()].sort(),
    groups: groups
      .map((g: any) => ({
        name: g.name,
        members: members
          .filter((m: any) => m.group_id === g.group_id)
          .map((m: any) => `${emailOf.get(m.user_id)}:${m.role}`)
          .sort()
      }))
      .sort((a: any, b: any) => a.name.localeCompare(b.name)),
    messages: (await db('messages').select('chat_id', 'seq', 'sender_id', 'content'))
      .map((m: any) => `${chatKey.get(m.chat_id)}#${m.seq} ${emailOf.get(m.sender_id)}: ${m.content}`)
      .sort()
  }
}

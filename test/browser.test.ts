// The web client in real Chromium (Debian's `chromium`, driven by playwright-core): two browser contexts are
// two people, each signing up through the UI against servers spawned on 127.0.0.1 (the test PostgreSQL
// database and Redis). Screenshots of the main screens go to test-artifacts/screenshots/.
// Without Chromium the tests skip (saying why); with CI=true a missing Chromium is a failure.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { killSpawnedServers, spawnServer, type SpawnedServer } from './helpers/processes'
import {
  browserUnavailable,
  launchChromium,
  newUser,
  repoRoot,
  screenshot,
  until,
  untilAttribute,
  untilText,
  type UserContext
} from './helpers/browser'
import {
  articles,
  chatEntry,
  chatHeading,
  composer,
  connection,
  createGroup,
  message,
  messageAction,
  messageLog,
  openChat,
  send,
  signUp,
  startPrivateChat,
  threadPanel,
  untilReaction,
  waitConnected,
  type Person
} from './helpers/web-ui'
import { testDatabase, testRedis, testKeyPrefix } from './setup'

const run = randomUUID().slice(0, 6)
// Names no other test uses (the people search must find exactly one), emails unique to this run.
const person = (first: string, last: string): Person => ({
  name: `${first} ${last}`,
  email: `${first.toLowerCase()}.${run}@example.com`,
  password: `correct horse battery ${randomUUID()}`
})

/** `web/dist` is what the server serves at `/`: built from the current source before the tests (a build
 * left from an older checkout would test old code; Vite takes about a second). */
const buildWebClient = () => {
  execFileSync('npm', ['run', 'build:web', '--silent'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit']
  })
  assert.ok(
    existsSync(path.join(repoRoot, 'web', 'dist', 'index.html')),
    'npm run build:web built no web/dist'
  )
}

describe('web client in Chromium', function () {
  this.timeout(120000)
  let browser: Browser | undefined
  let env: Record<string, string> = {}
  let server: SpawnedServer
  const users: UserContext[] = []

  const user = async (viewport?: { width: number; height: number }) => {
    const u = await newUser(browser!, viewport)
    users.push(u)
    return u
  }

  before(async function () {
    const reason = browserUnavailable()
    if (reason) {
      if (process.env.CI === 'true') throw new Error(`CI=true but the browser tests cannot run: ${reason}`)
      console.log(`  (browser tests skipped: ${reason})`)
      this.skip()
    }
    buildWebClient()
    // One deployment: every instance shares the database and, when there is one, Redis.
    if (testRedis.url) env = { REDIS_URL: testRedis.url, REDIS_KEY_PREFIX: testKeyPrefix() }
    ;[browser, server] = await Promise.all([launchChromium(), spawnServer(env)])
  })

  /** Nothing in any page reached for another host (no CDN, no external fetch), and nothing threw uncaught. */
  const assertPagesClean = () => {
    assert.deepEqual(
      users.flatMap((u) => u.blocked),
      [],
      'requests to hosts other than 127.0.0.1'
    )
    assert.deepEqual(
      users.flatMap((u) => u.errors),
      [],
      'uncaught errors in the page'
    )
  }

  afterEach(async () => {
    await Promise.all(users.splice(0).map((u) => u.context.close()))
  })

  after(async () => {
    await browser?.close()
    await killSpawnedServers()
  })

  it('two people sign up and chat in real time: private chat, typing, Seen, reactions, a thread, a group, search, presence', async () => {
    const ada = person('Ada', 'Lovelace')
    const charles = person('Charles', 'Babbage')
    const a = await user()
    const b = await user()

    await a.page.goto(server.url)
    await a.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
    await screenshot(a.page, '01-sign-in')
    await signUp(a.page, server.url, ada)
    await signUp(b.page, server.url, charles)

    // Private chat: Ada finds Charles and writes; it reaches Charles's chat list as an unread chat.
    await startPrivateChat(a.page, charles.name)
    await send(a.page, 'Hello Charles, are you there?')
    const charlesEntry = chatEntry(b.page, ada.name)
    await charlesEntry.getByLabel('1 unread', { exact: true }).waitFor()

    // Nothing is read yet: no "Seen" under Ada's message until Charles opens the chat.
    const adaFirst = message(messageLog(a.page), 'Hello Charles, are you there?')
    assert.equal(
      await adaFirst.getByText('Seen', { exact: true }).count(),
      0,
      '"Seen" before Charles opened the chat'
    )
    await openChat(b.page, ada.name)
    await message(messageLog(b.page), 'Hello Charles, are you there?').waitFor()
    await adaFirst.getByText('Seen', { exact: true }).waitFor()
    await charlesEntry.getByLabel('1 unread', { exact: true }).waitFor({ state: 'detached' })

    // Typing: Charles types, Ada sees it; Charles sends, Ada gets the message at once and the indicator goes.
    await composer(b.page).pressSequentially('Yes, ', { delay: 20 })
    const adaTyping = a.page.getByRole('status', { name: 'Typing' })
    await untilText('Charles is typing… on Ada’s screen', adaTyping, `${charles.name} is typing…`)
    await composer(b.page).pressSequentially('here!')
    await composer(b.page).press('Enter')
    await message(messageLog(a.page), 'Yes, here!').waitFor()
    await until(
      'the typing indicator to clear after the message',
      async () => ((await adaTyping.count()) ? ((await adaTyping.textContent()) ?? '').trim() : ''),
      (text) => !text.includes('is typing')
    )
    // Shift+Enter is a new line, not a send.
    await composer(a.page).fill('line one')
    await composer(a.page).press('Shift+Enter')
    await composer(a.page).pressSequentially('line two')
    assert.equal(await composer(a.page).inputValue(), 'line one\nline two')
    await composer(a.page).press('Enter')
    await message(messageLog(b.page), 'line one\nline two').waitFor()

    // Reactions: Charles reacts 👍 to Ada's first message; Ada sees the chip, adds hers, both see 2.
    const charlesView = message(messageLog(b.page), 'Hello Charles, are you there?')
    await (await messageAction(charlesView, 'React')).click()
    await b.page.getByRole('button', { name: '👍', exact: true }).click()
    await untilReaction(charlesView, '👍', 1, true)
    await untilReaction(adaFirst, '👍', 1, false)
    await adaFirst.getByRole('button', { name: '👍 1', exact: true }).click()
    await untilReaction(adaFirst, '👍', 2, true)
    await untilReaction(charlesView, '👍', 2, true)
    await screenshot(a.page, '02-chat-list-and-open-chat')

    // A thread: Charles replies in a thread; Ada sees "1 reply" on the root, opens it and reads the reply.
    await (await messageAction(charlesView, 'Reply in thread')).click()
    const charlesThread = threadPanel(b.page)
    await message(charlesThread, 'Hello Charles, are you there?').waitFor()
    const threadBox = charlesThread.getByRole('textbox', { name: 'Reply in thread' })
    await threadBox.fill('Replying in a thread')
    await threadBox.press('Enter')
    await message(charlesThread, 'Replying in a thread').waitFor()
    const replies = adaFirst.getByRole('button', { name: /^1 reply$/ })
    await replies.click()
    await message(threadPanel(a.page), 'Replying in a thread').waitFor()
    await screenshot(a.page, '03-thread-panel')
    // The reply lives in the thread, not in the chat's main history.
    assert.equal(
      await message(messageLog(a.page), 'Replying in a thread').count(),
      0,
      'thread reply in the main log'
    )

    // A group: Ada creates it with Charles; it appears in Charles's list; they talk, and "Seen by 1" follows.
    const group = 'Analytical Engine club'
    await createGroup(a.page, group, [charles.name])
    await send(a.page, 'Welcome to the group')
    await chatEntry(b.page, group).waitFor()
    await openChat(b.page, group)
    await message(messageLog(b.page), 'Welcome to the group').waitFor()
    await message(messageLog(a.page), 'Welcome to the group')
      .getByText('Seen by 1', { exact: true })
      .waitFor()
    await send(b.page, 'Glad to be here')
    await message(messageLog(a.page), 'Glad to be here').waitFor()
    // Both messages carry their author's name.
    await message(messageLog(a.page), 'Glad to be here').getByText(charles.name, { exact: true }).waitFor()
    await screenshot(a.page, '04-group-chat')

    // Narrow screen: the open chat still fits the width and the composer works.
    await b.page.setViewportSize({ width: 375, height: 740 })
    await composer(b.page).waitFor()
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 375px wide`)
    await send(b.page, 'Sent from a phone')
    await message(messageLog(a.page), 'Sent from a phone').waitFor()
    await screenshot(b.page, '05-narrow-screen')

    // Search: Ada, in the group, finds a word of the private chat; the hit opens that chat.
    await a.page.getByLabel('Search messages').fill('Hello')
    await a.page.getByLabel('Search messages').press('Enter')
    await a.page
      .getByRole('list', { name: 'Search results' })
      .getByRole('button', { name: /Hello Charles, are you there\?/ })
      .click()
    await chatHeading(a.page, charles.name).waitFor()

    // Presence, sign out and sign in: Charles is online in Ada's list, offline once he signs out, online again
    // when he signs in (and his chats are all there).
    const charlesOnAdasList = chatEntry(a.page, charles.name)
    await charlesOnAdasList.getByLabel('online', { exact: true }).waitFor()
    await b.page.getByRole('button', { name: 'Sign out' }).click()
    await b.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
    await charlesOnAdasList.getByLabel('offline', { exact: true }).waitFor()
    await b.page.getByLabel('Email', { exact: true }).fill(charles.email)
    await b.page.getByLabel('Password', { exact: true }).fill(charles.password)
    await b.page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await waitConnected(b.page)
    await b.page.setViewportSize({ width: 1280, height: 800 })
    await chatEntry(b.page, ada.name).waitFor()
    await chatEntry(b.page, group).waitFor()
    await charlesOnAdasList.getByLabel('online', { exact: true }).waitFor()
    if (process.env.UPDATE_DOCS_SCREENSHOT) {
      mkdirSync(path.join(repoRoot, 'docs'), { recursive: true })
      copyFileSync(
        path.join(repoRoot, 'test-artifacts', 'screenshots', '03-thread-panel.png'),
        path.join(repoRoot, 'docs', 'screenshot.png')
      )
    }
    assertPagesClean()
  })

  it('an instance restarts: its browser shows Reconnecting…, then catches up with every message once, in order', async function () {
    // Two instances of one deployment need Redis and a PostgreSQL server to share.
    if (!testRedis.url || !testDatabase.url) {
      console.log('  (restart test skipped: needs Redis and PostgreSQL)')
      this.skip()
    }
    const other = await spawnServer(env)
    const grace = person('Grace', 'Hopper')
    const alan = person('Alan', 'Turing')
    const c = await user() // on the instance that restarts
    const d = await user() // on the other instance
    await signUp(c.page, server.url, grace)
    await signUp(d.page, other.url, alan)
    await startPrivateChat(c.page, alan.name)
    await send(c.page, 'before the restart')
    await openChat(d.page, grace.name)
    await message(messageLog(d.page), 'before the restart').waitFor()

    const port = server.port
    assert.equal(await server.stop('SIGTERM'), 0, server.output())
    await untilAttribute(
      'Grace’s connection state "reconnecting"',
      connection(c.page),
      'data-state',
      'reconnecting'
    )
    await untilText('the text Reconnecting…', connection(c.page), 'Reconnecting…')
    await screenshot(c.page, '06-reconnecting')

    const missed = ['while away 1', 'while away 2', 'while away 3', 'while away 4', 'while away 5']
    for (const text of missed) await send(d.page, text)

    server = await spawnServer(env, { port })
    await waitConnected(c.page, 30000)
    const expected = ['before the restart', ...missed]
    const caughtUp = await until(
      'every message once, in seq order, on Grace’s screen',
      () => articles(messageLog(c.page)),
      (list) => list.length >= expected.length && expected.every((text) => list.some((m) => m.text === text))
    )
    assert.deepEqual(
      caughtUp.map((m) => m.text),
      expected,
      'messages on the reconnected screen (each once, in order)'
    )
    const seqs = caughtUp.map((m) => m.seq)
    assert.ok(
      seqs.every((seq, i) => Number.isInteger(seq) && (i === 0 || seq > seqs[i - 1])),
      `data-seq ascending: ${seqs}`
    )
    assert.equal(new Set(caughtUp.map((m) => m.id)).size, caughtUp.length, 'a message id shown twice')

    // Live again: a new message arrives in real time, and still nothing is doubled.
    await send(d.page, 'after the restart')
    await message(messageLog(c.page), 'after the restart').waitFor()
    const final = await articles(messageLog(c.page))
    assert.deepEqual(
      final.map((m) => m.text),
      [...expected, 'after the restart']
    )
    await other.stop('SIGTERM')
    assertPagesClean()
  })
})

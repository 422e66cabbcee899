// Real Chromium for the web client's tests: Debian's `chromium` driven by playwright-core. The browser is
// fenced in to 127.0.0.1 twice: the host resolver maps every other name to nothing, and every page request
// to another host is aborted and recorded (a test asserts that none was tried: no CDN, no external fetch).
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { sleep } from './wait'

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const repoRoot = path.join(__dirname, '..', '..')
export const screenshotDir = path.join(repoRoot, 'test-artifacts', 'screenshots')

/** Why the browser tests cannot run here, or undefined when they can. With CI=true a reason is an error. */
export const browserUnavailable = (): string | undefined =>
  existsSync(chromiumPath) ? undefined : `no Chromium at ${chromiumPath} (apt-get install chromium)`

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-gpu',
      '--no-first-run',
      '--disable-default-apps',
      '--disable-extensions',
      '--metrics-recording-only',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'
    ]
  })

export interface UserContext {
  context: BrowserContext
  page: Page
  /** Requests the page tried to send to a host other than 127.0.0.1 (all aborted). */
  blocked: string[]
  /** Uncaught errors in the page. */
  errors: string[]
}

/** A fresh browser context (its own cookies and storage: one user) with one page. */
export const newUser = async (
  browser: Browser,
  viewport = { width: 1280, height: 800 }
): Promise<UserContext> => {
  const context = await browser.newContext({ viewport, locale: 'en-US', serviceWorkers: 'block' })
  const blocked: string[] = []
  const errors: string[] = []
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url())
    if (url.hostname === '127.0.0.1') return route.continue()
    blocked.push(url.toString())
    return route.abort('blockedbyclient')
  })
  const page = await context.newPage()
  page.on('pageerror', (error) => errors.push(String(error)))
  return { context, page, blocked, errors }
}

export const screenshot = async (page: Page, name: string) => {
  mkdirSync(screenshotDir, { recursive: true })
  const file = path.join(screenshotDir, `${name}.png`)
  await page.screenshot({ path: file })
  return file
}

/**
 * Expect-style polling: waits until `read()` gives a value that `accept` takes, then returns it; after
 * `timeoutMs` fails naming what was expected and the last value seen. For the attribute and list checks
 * Playwright's auto-waiting locators (`waitFor`) do not express.
 */
export const until = async <T>(
  what: string,
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15000
): Promise<T> => {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  let lastError: unknown
  for (;;) {
    try {
      last = await read()
      if (accept(last)) return last
    } catch (error) {
      lastError = error
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${lastError}` : ''}`
      )
    await sleep(50)
  }
}

/** Waits until the locator's text (trimmed) is `text`. */
export const untilText = (what: string, locator: Locator, accept: string | RegExp, timeoutMs?: number) =>
  until(
    what,
    async () => ((await locator.textContent({ timeout: 1000 })) ?? '').trim(),
    (value) => (typeof accept === 'string' ? value === accept : accept.test(value)),
    timeoutMs
  )

/** Waits until the locator's attribute is `value`. */
export const untilAttribute = (
  what: string,
  locator: Locator,
  name: string,
  value: string,
  timeoutMs?: number
) =>
  until(
    what,
    () => locator.getAttribute(name, { timeout: 1000 }),
    (v) => v === value,
    timeoutMs
  )

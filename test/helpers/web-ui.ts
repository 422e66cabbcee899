// The web client as a user sees it: every step goes through the UI contract's accessible names (BRIEF §4,
// SPEC §16), so a test reads like what a person does and fails where the UI breaks the contract.
import type { Locator, Page } from 'playwright-core'
import { until, untilAttribute } from './browser'

export interface Person {
  name: string
  email: string
  password: string
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** Matches an accessible name or text that starts with `text`. */
export const startsWith = (text: string) => new RegExp(`^${escapeRegExp(text)}`)
export const exactly = (text: string) => new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`)

export const connection = (page: Page) => page.getByRole('status', { name: 'Connection' })

export const waitConnected = (page: Page, timeoutMs?: number) =>
  untilAttribute('the connection state "connected"', connection(page), 'data-state', 'connected', timeoutMs)

export const signUp = async (page: Page, url: string, person: Person) => {
  await page.goto(url)
  await page.getByRole('button', { name: 'Create an account' }).click()
  await page.getByLabel('Name', { exact: true }).fill(person.name)
  await page.getByLabel('Email', { exact: true }).fill(person.email)
  await page.getByLabel('Password', { exact: true }).fill(person.password)
  await page.getByRole('button', { name: 'Sign up', exact: true }).click()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
  await page.getByRole('banner').getByText(person.name, { exact: true }).first().waitFor()
  await waitConnected(page)
}

export const chatList = (page: Page) => page.getByRole('navigation', { name: 'Chats' })

/** The chat list entry whose accessible name starts with the chat's title. */
export const chatEntry = (page: Page, title: string) =>
  chatList(page).getByRole('button', { name: startsWith(title) })

export const chatHeading = (page: Page, title: string) =>
  page.getByRole('heading', { level: 2, name: title, exact: true })

export const openChat = async (page: Page, title: string) => {
  await chatEntry(page, title).click()
  await chatHeading(page, title).waitFor()
}

/** New chat → search the person by name → click the result: the private chat opens. */
export const startPrivateChat = async (page: Page, other: string) => {
  await page.getByRole('button', { name: 'New chat', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'New chat' })
  await dialog.getByLabel('Search people').fill(other)
  await dialog.getByRole('button', { name: other, exact: true }).click()
  await chatHeading(page, other).waitFor()
}

/** New group → name it → add each member from the people search → Create group: the group opens. */
export const createGroup = async (page: Page, title: string, members: string[]) => {
  await page.getByRole('button', { name: 'New group', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'New group' })
  await dialog.getByLabel('Group name').fill(title)
  for (const member of members) {
    await dialog.getByLabel('Search people').fill(member)
    await dialog.getByRole('button', { name: member, exact: true }).first().click()
    // The chosen member is listed in the dialog.
    await dialog.getByRole('list', { name: 'Members' }).getByText(member).waitFor()
  }
  await dialog.getByRole('button', { name: 'Create group', exact: true }).click()
  await chatHeading(page, title).waitFor()
}

export const messageLog = (page: Page) => page.getByRole('log', { name: 'Messages' })
export const threadPanel = (page: Page) => page.getByRole('complementary', { name: 'Thread' })

/** The message article (in the chat's log, or in `scope`) whose `.text` is exactly `text`. */
export const message = (scope: Locator, text: string) =>
  scope.locator('article').filter({ has: scope.page().locator('.text', { hasText: exactly(text) }) })

export const composer = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true })

/** Types into the composer and presses Enter; waits until the message is in the sender's own log. */
export const send = async (page: Page, text: string) => {
  const box = composer(page)
  await box.fill(text)
  await box.press('Enter')
  await message(messageLog(page), text).waitFor()
}

/** A per-message action button (visible on hover/focus): hover the message first, as a person does. */
export const messageAction = async (article: Locator, action: string) => {
  await article.hover()
  return article.getByRole('button', { name: action, exact: true })
}

/** `seq` and text of every message article in `scope`, in document order. */
export const articles = (scope: Locator) =>
  scope.locator('article').evaluateAll((elements) =>
    elements.map((element) => ({
      seq: Number((element as HTMLElement).dataset.seq),
      id: (element as HTMLElement).dataset.id ?? '',
      text: element.querySelector('.text')?.textContent?.trim() ?? ''
    }))
  )

/** Waits until the reaction chip `<emoji> <count>` under the article has `aria-pressed` = `pressed`. */
export const untilReaction = (article: Locator, emoji: string, count: number, pressed: boolean) =>
  until(
    `a reaction chip "${emoji} ${count}" with aria-pressed=${pressed}`,
    () =>
      article.getByRole('button', { name: `${emoji} ${count}`, exact: true }).getAttribute('aria-pressed', {
        timeout: 1000
      }),
    (value) => value === String(pressed)
  )

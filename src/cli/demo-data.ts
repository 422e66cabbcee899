// Fixed word lists, a seeded random generator and the plan of `seed`: the same options give the same data.

export const DEMO_PASSWORD = 'demo-password'
export const DEMO_DOMAIN = 'demo.test'

const NAMES = [
  'Alice',
  'Bob',
  'Carol',
  'Dave',
  'Erin',
  'Frank',
  'Grace',
  'Heidi',
  'Ivan',
  'Judy',
  'Karl',
  'Laura',
  'Mallory',
  'Niaj',
  'Olivia',
  'Peggy',
  'Quentin',
  'Rupert',
  'Sybil',
  'Trent',
  'Uma',
  'Victor',
  'Walter',
  'Yara'
]

const GROUP_NAMES = [
  'General',
  'Random',
  'Engineering',
  'Design',
  'Support',
  'Marketing',
  'Book Club',
  'Lunch'
]

const PHRASES = [
  'Hello there!',
  'Did you see the latest release notes?',
  'Lunch at noon?',
  'I pushed a fix for the login page.',
  'Can you review my pull request?',
  'The meeting moved to 3 pm.',
  'Thanks, that worked.',
  'Who is on call this week?',
  'Coffee break in five minutes.',
  'The build is green again.',
  'Let us sync tomorrow morning.',
  'Great job on the demo!'
]

/** `count` copies of a list, numbered from the second round on: "Alice", …, "Alice 2", … */
const cycled = (list: string[], index: number) => {
  const round = Math.floor(index / list.length)
  return round === 0 ? list[index % list.length] : `${list[index % list.length]} ${round + 1}`
}

/** The demo user number `n` (1-based). */
export const demoUser = (n: number) => ({
  name: cycled(NAMES, n - 1),
  email: `user${n}@${DEMO_DOMAIN}`,
  password: DEMO_PASSWORD
})

export const demoGroupName = (index: number) => cycled(GROUP_NAMES, index)

/** mulberry32, seeded from any string through FNV-1a: small, fast and the same on every platform. */
export const createRandom = (seed: string) => {
  let state = 2166136261
  for (const char of seed) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (max: number) => Math.floor(next() * max)
  return {
    int,
    pick: <T>(list: readonly T[]): T => list[int(list.length)],
    /** A deterministic shuffle (Fisher–Yates) of a copy. */
    shuffle: <T>(list: readonly T[]): T[] => {
      const copy = [...list]
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(i + 1)
        ;[copy[i], copy[j]] = [copy[j], copy[i]]
      }
      return copy
    },
    phrase: () => PHRASES[int(PHRASES.length)]
  }
}

export type Random = ReturnType<typeof createRandom>

/** Everything to create, by user index, decided before anything is written (so it only depends on options). */
export const planDemo = (options: { users: number; groups: number; messages: number }, random: Random) => {
  const count = options.users
  const pairs = new Map<string, number[]>()
  const addPair = (a: number, b: number) => {
    if (a !== b) pairs.set(`${Math.min(a, b)}:${Math.max(a, b)}`, [Math.min(a, b), Math.max(a, b)])
  }
  // Each user talks to the next one (a ring) and to one random other user.
  for (let i = 0; count > 1 && i < count; i++) {
    addPair(i, (i + 1) % count)
    addPair(i, random.int(count))
  }
  const groups = Array.from({ length: options.groups }, (_, g) => {
    const owner = random.int(count)
    const others = random.shuffle([...Array(count).keys()].filter((i) => i !== owner))
    return { name: demoGroupName(g), owner, members: others.slice(0, 1 + random.int(Math.min(count - 1, 6))) }
  })
  const chats = [...pairs.values(), ...groups.map((g) => [g.owner, ...g.members])]
  const messages = Array.from({ length: options.messages }, () => {
    const chat = random.int(chats.length)
    return { chat, sender: random.pick(chats[chat]), content: random.phrase() }
  })
  return {
    users: Array.from({ length: count }, (_, i) => demoUser(i + 1)),
    pairs: [...pairs.values()],
    groups,
    messages
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `check` passes (or throws its last error after `timeoutMs`): no fixed sleeps for arrivals. */
export const eventually = async (check: () => void | Promise<void>, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await check()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(20)
    }
  }
}

// Progress on stderr (stdout keeps the command's output): a bar on a terminal, plain lines otherwise.
import cliProgress from 'cli-progress'

export interface Progress {
  /** Starts a phase of `count` steps. */
  phase(name: string, count: number): void
  tick(): void
  stop(): void
}

export const createProgress = (total: number, stream: NodeJS.WriteStream = process.stderr): Progress => {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: 'seed [{bar}] {value}/{total} {phase}', hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic
    )
    bar.start(total, 0, { phase: '' })
    return {
      phase: (name) => bar.update({ phase: name }),
      tick: () => bar.increment(),
      stop: () => bar.stop()
    }
  }
  let name = ''
  let count = 0
  let done = 0
  let step = 1
  return {
    phase: (phase, phaseCount) => {
      name = phase
      count = phaseCount
      done = 0
      step = Math.max(1, Math.ceil(phaseCount / 10))
      if (phaseCount === 0) stream.write(`seed: ${name} 0/0\n`)
    },
    tick: () => {
      done++
      if (done === count || done % step === 0) stream.write(`seed: ${name} ${done}/${count}\n`)
    },
    stop: () => undefined
  }
}

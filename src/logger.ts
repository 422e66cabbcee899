// One pino logger per app. LOG_FORMAT=text pretty-prints synchronously (no worker thread) for humans.
import pino, { type Logger } from 'pino'
import pretty from 'pino-pretty'

export const createLogger = (options: { level: string; format: 'json' | 'text' }): Logger => {
  const base = {
    level: options.level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err, cause: pino.stdSerializers.err }
  }
  if (options.format === 'text') {
    return pino(
      base,
      pretty({ colorize: false, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
    )
  }
  return pino(base)
}

// A load-generator worker process (forked by bench/lib/load-driver.ts with IPC, 'advanced' serialization):
// holds a share of the Feathers clients, runs its senders and records every delivery it receives.
// Messages from the driver: connect → connected, run → sent (when its senders are done), status → status,
// report → report, exit.
import {
  LoadClients,
  type ClientSpec,
  type SendMode,
  type SendShape,
  type SenderSpec,
  type Timeline
} from './feathers-load-client'

export type WorkerCommand =
  | { type: 'connect'; tag: string; clients: ClientSpec[]; concurrency: number }
  | { type: 'run'; senders: SenderSpec[]; mode: SendMode; timeline: Timeline; shape?: SendShape }
  | { type: 'status' }
  | { type: 'report' }
  | { type: 'exit' }

let load: LoadClients | undefined
const reply = (message: unknown) => process.send?.(message)
const fail = (error: any) => reply({ type: 'error', message: String(error?.stack ?? error) })

process.on('message', (command: WorkerCommand) => {
  switch (command.type) {
    case 'connect': {
      const started = performance.now()
      load = new LoadClients(command.tag)
      load
        .connect(command.clients, command.concurrency)
        .then(() => reply({ type: 'connected', ms: performance.now() - started }), fail)
      break
    }
    case 'run':
      load!
        .run(command.senders, command.mode, command.timeline, command.shape)
        .then(() => reply({ type: 'sent' }), fail)
      break
    case 'status':
      reply({ type: 'status', status: load?.getStatus() })
      break
    case 'report':
      reply({ type: 'report', report: load!.report() })
      break
    case 'exit':
      load?.close()
      setTimeout(() => process.exit(0), 50)
      break
  }
})
process.on('disconnect', () => process.exit(0))
process.on('unhandledRejection', fail)

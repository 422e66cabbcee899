// How commands print: a table by default, JSON with --json (for scripts). Errors go to stderr as one clear
// line and make the process exit with a non-zero code.
import Table from 'cli-table3'
import { FeathersError } from '@feathersjs/errors'
import { InvalidArgumentError } from 'commander'
import { toClientError } from '../errors'

/** An error whose message is meant for the operator as is, e.g. "user not found: <id>". */
export class CliError extends Error {}

export interface OutputOptions {
  json?: boolean
}

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** Picks `fields` from a record, in that order (never more: internal rows carry hashes). */
export const pick = <T extends Record<string, any>>(record: T, fields: readonly string[]) =>
  Object.fromEntries(fields.map((field) => [field, record[field] ?? null]))

export const printJson = (data: unknown) => {
  process.stdout.write(`${JSON.stringify(data, null, 2)}\n`)
}

// Borderless, like `kubectl get`: columns separated by two spaces, headers in capitals.
const plain = {
  chars: Object.fromEntries(
    ['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right']
      .concat(['left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid'])
      .map((name) => [name, ''])
  ),
  style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 }
}

const trimLines = (text: string) => text.replace(/ +$/gm, '')

/** Rows as a table with one column per field. */
export const printTable = (rows: Array<Record<string, any>>, fields: readonly string[]) => {
  const table = new Table({
    ...plain,
    chars: { ...plain.chars, middle: '' },
    head: fields.map((f) => f.toUpperCase())
  })
  for (const row of rows) table.push(fields.map((field) => cell(row[field])))
  process.stdout.write(`${trimLines(table.toString())}\n`)
}

/** One record as a two-column (field, value) table. */
export const printRecord = (record: Record<string, any>, fields: readonly string[] = Object.keys(record)) => {
  const table = new Table({ ...plain, chars: { ...plain.chars, middle: '' } })
  for (const field of fields) table.push({ [`${field}:`]: cell(record[field]) })
  process.stdout.write(`${trimLines(table.toString())}\n`)
}

/** Rows, as JSON or as a table of `fields`. */
export const printRows = (options: OutputOptions, rows: Array<Record<string, any>>, fields: string[]) => {
  const picked = rows.map((row) => pick(row, fields))
  if (options.json) printJson(picked)
  else if (picked.length === 0) process.stdout.write('(none)\n')
  else printTable(picked, fields)
}

/** A plain line for humans; with --json it is left out so stdout stays valid JSON. */
export const note = (options: OutputOptions, line: string) => {
  if (!options.json) process.stdout.write(`${line}\n`)
}

/** Turns "Not found" from a lookup into `<what> not found: <id>`. */
export const orNotFound = async <T>(what: string, id: string, pending: Promise<T>): Promise<T> => {
  try {
    return await pending
  } catch (error: any) {
    if (error?.code === 404) throw new CliError(`${what} not found: ${id}`)
    throw error
  }
}

export const errorMessage = (error: unknown): string => {
  if (error instanceof CliError) return error.message
  // Feathers errors already name the field (`Invalid data: email must match format "email"`).
  if (error instanceof FeathersError) {
    const clean = toClientError(error)
    return `${clean.message} (${clean.name})`
  }
  if (error instanceof Error) return error.message
  return String(error)
}

/** Prints the error on stderr and sets a non-zero exit code (the process still tears down normally). */
export const reportError = (error: unknown) => {
  process.stderr.write(`error: ${errorMessage(error)}\n`)
  process.exitCode = 1
}

/** Wraps a commander action: any error is reported instead of crashing with a stack trace. */
export const action =
  <A extends unknown[]>(run: (...args: A) => Promise<void>) =>
  async (...args: A) => {
    try {
      await run(...args)
    } catch (error) {
      reportError(error)
    }
  }

/** Parses a non-negative integer option (commander reports a bad value, naming the option). */
export const integer = (value: string): number => {
  const parsed = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError('must be a non-negative integer.')
  }
  return parsed
}

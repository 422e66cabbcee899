// The per-user storage quota (UPLOAD_QUOTA_PER_USER): the sum of the sizes of a user's rows in `files`, so
// deleting a file frees its bytes at once. Checked early by a hook (a user already at the quota sends no
// bytes to disk) and finally, under a lock on the user's row, in the transaction that records the file.
import type { Knex } from 'knex'
import { PayloadTooLarge } from '../../errors'

export const usedBytes = async (db: Knex | Knex.Transaction, userId: string) => {
  const row = await db('files').where({ user_id: userId }).sum({ used: 'size' }).first()
  return Number(row?.used ?? 0) // bigint sums arrive as strings on pg
}

export const quotaExceeded = (quotaBytes: number, usedBytes: number, fileBytes?: number) =>
  new PayloadTooLarge(
    `Upload quota exceeded: ${usedBytes} of ${quotaBytes} bytes per user are in use` +
      (fileBytes === undefined ? '' : ` and this file is ${fileBytes} bytes`) +
      '; delete files to free space',
    { quotaBytes, usedBytes, ...(fileBytes === undefined ? {} : { fileBytes }) }
  )

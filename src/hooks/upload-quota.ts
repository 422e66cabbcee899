// Early refusal for a user whose stored files already fill their quota: 413 before any byte is stored.
// The exact check (quota minus this file's size) happens when the upload is recorded (uploads.class.ts).
import type { HookContext } from '../declarations'
import { quotaExceeded, usedBytes } from '../services/uploads/quota'

export const requireUploadQuota = async (context: HookContext) => {
  const user = context.params.user
  if (!context.params.provider || !user) return
  const quota = context.app.get('uploads').quotaBytesPerUser
  const used = await usedBytes(context.app.get('postgresqlClient'), user.user_id)
  if (used >= quota) throw quotaExceeded(quota, used)
}

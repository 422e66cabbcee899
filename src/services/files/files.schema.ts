// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { resolve } from '@feathersjs/schema'
import { Type, getValidator, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator } from '../../validators'

export const filePurposes = ['avatar', 'message', 'group'] as const

/** A stored file as clients see it (`storage_key` and the serial id stay internal). */
export interface FileRecord {
  file_id: string
  user_id: string | null
  filename: string
  mime_type: string
  size: number
  url: string
  purpose: (typeof filePurposes)[number]
  created_at: string
}

export const fileColumns = [
  'file_id',
  'user_id',
  'filename',
  'mime_type',
  'size',
  'url',
  'purpose',
  'created_at'
]

export const fileExternalResolver = resolve<FileRecord, HookContext>({
  storage_key: async () => undefined,
  id: async () => undefined
} as any)

// `POST /api/uploads` fields (sent before the file part).
export const uploadDataSchema = Type.Object(
  { purpose: StringEnum([...filePurposes]) },
  { $id: 'UploadData', additionalProperties: false }
)
export type UploadData = Static<typeof uploadDataSchema>
export const uploadDataValidator = getValidator(uploadDataSchema, dataValidator)

/** Images served inline; everything else is a download (`Content-Disposition: attachment`). */
export const SAFE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp']

/** What each purpose accepts, by the type sniffed from the bytes. `undefined` = anything. */
export const allowedTypes: Record<UploadData['purpose'], string[] | undefined> = {
  avatar: SAFE_IMAGE_TYPES,
  group: SAFE_IMAGE_TYPES,
  message: undefined
}

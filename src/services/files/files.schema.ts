// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { resolve } from '@feathersjs/schema'
import { Type, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, DateTime, Nullable, lazyValidator } from '../../validators'

export const filePurposes = ['avatar', 'message', 'group'] as const

/** A stored file as clients see it (`storage_key` and the serial id stay internal). */
export const fileSchema = Type.Object(
  {
    file_id: Type.String(),
    user_id: Nullable(Type.String({ description: 'The uploader (null once their account is gone)' })),
    filename: Type.String({ description: "The client's file name, for display and downloads" }),
    mime_type: Type.String({ description: 'Sniffed from the bytes, not taken from the client' }),
    size: Type.Integer({ minimum: 0 }),
    url: Type.String({ description: 'Where the bytes are: `/api/files/{file_id}/content`' }),
    purpose: StringEnum([...filePurposes]),
    created_at: DateTime()
  },
  { $id: 'File', additionalProperties: false }
)
export type FileRecord = Static<typeof fileSchema>

/** Columns a file is read with: exactly the fields above. */
export const fileColumns = Object.keys(fileSchema.properties)

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
export const uploadDataValidator = lazyValidator(uploadDataSchema, dataValidator)

/** Images served inline; everything else is a download (`Content-Disposition: attachment`). */
export const SAFE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp']

/** What each purpose accepts, by the type sniffed from the bytes. `undefined` = anything. */
export const allowedTypes: Record<UploadData['purpose'], string[] | undefined> = {
  avatar: SAFE_IMAGE_TYPES,
  group: SAFE_IMAGE_TYPES,
  message: undefined
}

// PATCH and PUT on our services both change the fields they are given (a PUT does not replace the record),
// one record per call. Both methods go to `edit`: calling `this.patch` from `update` would run the patch
// hooks a second time. A remove is one record per call too (`erase`): none of them means "every record".
import { BadRequest } from '@feathersjs/errors'
import type { Id, NullableId, Params } from '@feathersjs/feathers'

export abstract class EditInPlace<Result, Data> {
  /** "messages", "groups": for the refusal of a call without an id (Feathers' "every record"). */
  protected abstract readonly records: string

  protected abstract edit(id: string, data: Data, params?: Params): Promise<Result>

  protected abstract erase(id: string, params?: Params): Promise<Result>

  async patch(id: NullableId, data: Data, params?: Params): Promise<Result> {
    return this.edit(this.one(id), data, params)
  }

  async update(id: Id, data: Data, params?: Params): Promise<Result> {
    return this.edit(this.one(id), data, params)
  }

  async remove(id: NullableId, params?: Params): Promise<Result> {
    if (id === null) throw new BadRequest(`Deleting several ${this.records} at once is not supported`)
    return this.erase(String(id), params)
  }

  private one(id: NullableId): string {
    if (id === null) throw new BadRequest(`Changing several ${this.records} at once is not supported`)
    return String(id)
  }
}

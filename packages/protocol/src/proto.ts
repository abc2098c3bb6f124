/**
 * Builders for request schemas that carry the protobuf type of each field, so one definition gives the
 * TypeScript type (via TypeBox's Static) and lets the server decode proto-JSON by MLflow's rules (spec §0.2):
 * int64 from numbers or numeric strings, doubles from "NaN"/"Infinity" strings, enums by name or number.
 */
import { type TSchema, Type } from '@sinclair/typebox';

export type ProtoKind = 'string' | 'int64' | 'int32' | 'double' | 'bool' | 'enum';

export const Str = () => Type.String({ proto: 'string' });
export const Int64 = () => Type.Number({ proto: 'int64' });
export const Int32 = () => Type.Number({ proto: 'int32' });
export const Double = () => Type.Number({ proto: 'double' });
export const Bool = () => Type.Boolean({ proto: 'bool' });
export function Enum<const T extends string>(values: readonly T[], numbers: readonly number[]) {
  return Type.Unsafe<T>({ type: 'string', proto: 'enum', values, numbers });
}
export const Opt = <T extends TSchema>(t: T) => Type.Optional(t);
export const Rep = <T extends TSchema>(t: T) => Type.Array(t);
export const Msg = Type.Object;

/**
 * Workflow histories to and from the JSON format of Temporal's tools (CLI, Web UI "download").
 *
 * Same as `historyToJSON` / `historyFromJSON` of '@temporalio/common/lib/proto-utils', which fail
 * in this install with "type must be a Type": @temporalio/common and @temporalio/proto each get
 * their own nested copy of protobufjs 8 (the top level has 7 for grpc), and the SDK mixes the
 * common copy's protojson with types built by the proto copy. Here both come from the copy
 * @temporalio/proto uses, wherever npm puts it.
 */
import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

export function historyToJSON(history: History): string {
  return JSON.stringify(protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 1);
}

export function historyFromJSON(json: string): History {
  return protojson.fromJson(historyType, JSON.parse(json), { ignoreUnknownFields: true }) as History;
}

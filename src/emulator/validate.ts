import { clientError, serializationError, type JsonObject } from './protocol.js';
import type { Tag } from './regionStore.js';

/**
 * Input validation shared by the operations. A member of the wrong JSON type is
 * a SerializationException, as AWS JSON services answer; a missing or out-of-range
 * value is a DirectConnectClientException. Messages for these are the emulator's
 * own wording (AWS's are not recorded) except the invalid-format ones.
 */

const CONNECTION_ID = /^dxcon-[a-z0-9]{8,21}$/;
const LAG_ID = /^dxlag-[a-z0-9]{8,21}$/;
const VIRTUAL_INTERFACE_ID = /^dxvif-[a-z0-9]{8,21}$/;

function typeError(name: string, expected: string): never {
  throw serializationError(`Expected ${name} to be ${expected}.`);
}

function missing(name: string): never {
  throw clientError(`The parameter ${name} is required.`);
}

export function optionalString(input: JsonObject, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') typeError(name, 'a string');
  return value;
}

export function requiredString(input: JsonObject, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined || value === '') missing(name);
  return value;
}

export function optionalInteger(input: JsonObject, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) typeError(name, 'an integer');
  return value;
}

export function optionalBoolean(input: JsonObject, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') typeError(name, 'a boolean');
  return value;
}

export function stringList(input: JsonObject, name: string): string[] {
  const value = input[name];
  if (value === undefined || value === null) missing(name);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    typeError(name, 'a list of strings');
  }
  if (value.length === 0) throw clientError(`The parameter ${name} must not be empty.`);
  return value as string[];
}

/** A list of strings that may be absent (undefined) or empty ([]). */
export function optionalStringList(input: JsonObject, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    typeError(name, 'a list of strings');
  }
  return value as string[];
}

/** Tag lists, with the model's limits: keys 1–128 characters, values up to 256. */
export function tagList(input: JsonObject, name: string, required: boolean): Tag[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) {
    if (required) missing(name);
    return undefined;
  }
  if (!Array.isArray(value)) typeError(name, 'a list of tags');
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) typeError(name, 'a list of tags');
    const tag = item as JsonObject;
    const key = requiredString(tag, 'key');
    const tagValue = optionalString(tag, 'value');
    if (key.length > 128) throw clientError(`Tag key ${key.slice(0, 20)}… is longer than 128 characters.`);
    if (tagValue !== undefined && tagValue.length > 256) {
      throw clientError(`The value of tag ${key} is longer than 256 characters.`);
    }
    return tagValue === undefined ? { key } : { key, value: tagValue };
  });
}

/** `connectionId`-style members: the messages are AWS's (botocore fixture: "Connection ID foobar has an invalid format."). */
export function connectionId(input: JsonObject, name = 'connectionId'): string {
  const id = requiredString(input, name);
  if (!CONNECTION_ID.test(id)) throw clientError(`Connection ID ${id} has an invalid format.`);
  return id;
}

export function lagId(input: JsonObject, name = 'lagId'): string {
  const id = requiredString(input, name);
  if (!LAG_ID.test(id)) throw clientError(`Lag ID ${id} has an invalid format.`);
  return id;
}

export function optionalConnectionId(input: JsonObject, name = 'connectionId'): string | undefined {
  return optionalString(input, name) === undefined ? undefined : connectionId(input, name);
}

export function optionalLagId(input: JsonObject, name = 'lagId'): string | undefined {
  return optionalString(input, name) === undefined ? undefined : lagId(input, name);
}

/** The message copies the connection form; AWS's for a VIF ID is not recorded. */
export function optionalVirtualInterfaceId(input: JsonObject, name = 'virtualInterfaceId'): string | undefined {
  const id = optionalString(input, name);
  if (id !== undefined && !VIRTUAL_INTERFACE_ID.test(id)) {
    throw clientError(`Virtual interface ID ${id} has an invalid format.`);
  }
  return id;
}

/** A required VIF ID, with optionalVirtualInterfaceId's message. */
export function virtualInterfaceId(input: JsonObject, name = 'virtualInterfaceId'): string {
  requiredString(input, name);
  return optionalVirtualInterfaceId(input, name) as string;
}

/** Direct Connect gateway IDs are UUIDs (AWS CLI examples); the message copies the connection form, AWS's is not recorded. */
const DX_GATEWAY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function optionalDirectConnectGatewayId(input: JsonObject, name = 'directConnectGatewayId'): string | undefined {
  const id = optionalString(input, name);
  if (id !== undefined && !DX_GATEWAY_ID.test(id)) throw clientError(`Direct Connect gateway ID ${id} has an invalid format.`);
  return id;
}

export const isConnectionId = (id: string): boolean => CONNECTION_ID.test(id);
export const isLagId = (id: string): boolean => LAG_ID.test(id);
export const isVirtualInterfaceId = (id: string): boolean => VIRTUAL_INTERFACE_ID.test(id);

export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
}

export function pageRequest(input: JsonObject): PageRequest {
  const maxResults = optionalInteger(input, 'maxResults');
  if (maxResults !== undefined && (maxResults < 1 || maxResults > 100)) {
    throw clientError(`maxResults must be between 1 and 100; got ${maxResults}.`);
  }
  const nextToken = optionalString(input, 'nextToken');
  return { maxResults, nextToken };
}

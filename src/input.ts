// Input checks that run before any AWS call: a malformed ID or an unserved region
// never reaches AWS. The ID forms are AWS's (docs/aws-behaviour.md, "Identifiers").

const CONNECTION_ID = /^dxcon-[a-z0-9]{8,21}$/;
const LAG_ID = /^dxlag-[a-z0-9]{8,21}$/;
const VIRTUAL_INTERFACE_ID = /^dxvif-[a-z0-9]{8,21}$/;
/** Direct Connect gateway IDs are UUIDs (AWS CLI examples); AWS prints them in lowercase. */
const DIRECT_CONNECT_GATEWAY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A traffic window: at least a minute, at most a day of 1-minute datapoints. */
export const MAX_WINDOW_MINUTES = 1440;

export interface InputProblem {
  field: string;
  message: string;
}

export interface ServedRegions {
  defaultRegion: string;
  regions: readonly string[];
}

/** Quotes a caller's value for a message without echoing megabytes back. */
function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

export function checkConnectionId(value: string, field = 'connectionId'): InputProblem | undefined {
  if (CONNECTION_ID.test(value)) return undefined;
  return {
    field,
    message: `${field} ${quote(value)} is not a Direct Connect connection ID: expected "dxcon-" followed by 8 to 21 lowercase letters or digits, e.g. "dxcon-fg9607vm".`,
  };
}

export function checkLagId(value: string, field = 'lagId'): InputProblem | undefined {
  if (LAG_ID.test(value)) return undefined;
  return {
    field,
    message: `${field} ${quote(value)} is not a LAG ID: expected "dxlag-" followed by 8 to 21 lowercase letters or digits, e.g. "dxlag-ffrz71kw".`,
  };
}

/** What a VIF can ride on: a connection or a LAG, as AWS's DescribeVirtualInterfaces takes either in `connectionId`. */
export function checkConnectionOrLagId(value: string, field = 'connectionId'): InputProblem | undefined {
  if (CONNECTION_ID.test(value) || LAG_ID.test(value)) return undefined;
  return {
    field,
    message: `${field} ${quote(value)} is neither a connection ID ("dxcon-" followed by 8 to 21 lowercase letters or digits) nor a LAG ID ("dxlag-" likewise).`,
  };
}

export function checkVirtualInterfaceId(value: string, field = 'virtualInterfaceId'): InputProblem | undefined {
  if (VIRTUAL_INTERFACE_ID.test(value)) return undefined;
  return {
    field,
    message: `${field} ${quote(value)} is not a virtual interface ID: expected "dxvif-" followed by 8 to 21 lowercase letters or digits, e.g. "dxvif-fgy8orxu".`,
  };
}

export function checkDirectConnectGatewayId(value: string, field = 'directConnectGatewayId'): InputProblem | undefined {
  if (DIRECT_CONNECT_GATEWAY_ID.test(value)) return undefined;
  return {
    field,
    message: `${field} ${quote(value)} is not a Direct Connect gateway ID: expected a lowercase UUID, e.g. "5f0c8e2a-3b1d-4c7e-9a6f-2d4b8c1e0a37".`,
  };
}

export function checkWindowMinutes(value: number, field = 'windowMinutes'): InputProblem | undefined {
  if (Number.isInteger(value) && value >= 1 && value <= MAX_WINDOW_MINUTES) return undefined;
  return { field, message: `${field} ${value} is out of range: use 1 to ${MAX_WINDOW_MINUTES} minutes (a day).` };
}

/** A client's own ID for an attempt (docs/contract.md, "The mutations"): 1 to 64 of A-Z a-z 0-9 _ -. */
export function checkClientRequestId(value: string | null | undefined, field = 'clientRequestId'): InputProblem | undefined {
  if (value === null || value === undefined || /^[A-Za-z0-9_-]{1,64}$/.test(value)) return undefined;
  return { field, message: `${field} ${quote(value)} must be 1 to 64 letters, digits, "_" or "-", e.g. "change-4711".` };
}

/** The region to use: the one asked for if this gateway serves it, else the default. */
export function resolveRegion(
  requested: string | null | undefined,
  served: ServedRegions,
  field = 'region',
): { region: string } | InputProblem {
  if (requested === null || requested === undefined) return { region: served.defaultRegion };
  if (served.regions.includes(requested)) return { region: requested };
  return {
    field,
    message: `${field} ${quote(requested)} is not served by this gateway; use one of: ${served.regions.join(', ')}.`,
  };
}

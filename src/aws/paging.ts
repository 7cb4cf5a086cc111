import { AwsCallFailed } from './classifyAwsError.js';

// AWS pages Describe results with maxResults/nextToken (docs/aws-behaviour.md,
// "Paging"); every listing goes through collectPages, so a broken backend that
// keeps handing out tokens is caught in one place.

/** AWS caps a Describe page at 100 items. */
export const PAGE_SIZE = 100;
/** A backend that keeps handing out tokens is broken; 1,000 pages is 100,000 items. */
const MAX_PAGES = 1000;

export interface Page<T> {
  items: T[] | undefined;
  nextToken: string | undefined;
}

const unreadable = (service: string, what: string) =>
  new AwsCallFailed({ code: 'AWS_UNAVAILABLE', message: `${service} gave an unusable answer: ${what}. Retry later.` });

/** Every item of a paged listing, asking for the next page until AWS gives no token. */
export async function collectPages<T>(fetchPage: (nextToken: string | undefined) => Promise<Page<T>>, service = 'AWS Direct Connect'): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await fetchPage(nextToken);
    all.push(...(page.items ?? []));
    nextToken = page.nextToken || undefined;
    if (nextToken !== undefined) {
      if (seen.has(nextToken)) throw unreadable(service, 'it repeated a paging token');
      if (seen.size >= MAX_PAGES) throw unreadable(service, `it kept paging past ${MAX_PAGES} pages`);
      seen.add(nextToken);
    }
  } while (nextToken);
  return all;
}

// The part of madge 8's programmatic API the architecture test uses; madge ships
// no types of its own.
declare module 'madge' {
  interface MadgeResult {
    /** Each file (relative to the base directory) and the local files it imports. */
    obj(): Record<string, string[]>;
    /** Each import cycle, as the files on it. */
    circular(): string[][];
  }
  interface MadgeConfig {
    fileExtensions?: string[];
    tsConfig?: string;
    detectiveOptions?: Record<string, unknown>;
  }
  export default function madge(path: string, config?: MadgeConfig): Promise<MadgeResult>;
}

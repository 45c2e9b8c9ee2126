// Types of what bundle.mjs exports when imported (`@shop/tooling/bundle`).
import type { BuildOptions, Metafile } from 'esbuild';

/** shop-bundle's switches beyond plain esbuild (see bundle.mjs). */
export interface BundleFeatures {
  keepNames: boolean;
  envCredentials: boolean;
  slimPackageJson: boolean;
  zodEnglishOnly: boolean;
  compileCache: boolean;
}

export declare const FEATURES: Readonly<BundleFeatures>;

export declare const bundleOptions: (
  entry: string,
  outfile: string,
  external?: string[],
  features?: BundleFeatures,
) => BuildOptions;

export declare const bundleFunction: (
  entry: string,
  outDir: string,
  options?: { external?: string[]; features?: BundleFeatures },
) => Promise<{ bytes: number; gzipBytes: number; metafile: Metafile }>;

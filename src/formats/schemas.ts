// Bundles the JSON schemas (esbuild-friendly static imports).
import vcbConfigJs from '../../schemas/vcb-config-js.schema.json';
import backuptoolsConf from '../../schemas/backuptools-conf.schema.json';
import vcbCatalog from '../../schemas/vcb-catalog.schema.json';
import ovmConfig from '../../schemas/ovm-config.schema.json';
import ovmmSysconfig from '../../schemas/ovmm-sysconfig.schema.json';
import { LanguageId } from './types';

export interface PropertySchema {
  type?: string;
  enum?: string[];
  default?: string | number;
  description?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  'x-errorCode'?: string;
  'x-placeholders'?: string[];
  'x-enumDescriptions'?: Record<string, string>;
  'x-legacy'?: boolean;
  /** The value a legacy key always has in the release the schema follows. */
  'x-legacyValue'?: string;
  'x-secret'?: boolean;
  'x-datastorePath'?: boolean;
}
export interface FileSchema {
  title?: string;
  description?: string;
  required?: string[];
  properties: Record<string, PropertySchema>;
  patternProperties?: Record<string, PropertySchema>;
}

export const SCHEMAS: Record<LanguageId, FileSchema> = {
  'vcb-config-js': vcbConfigJs as unknown as FileSchema,
  'backuptools-conf': backuptoolsConf as unknown as FileSchema,
  'vcb-catalog': vcbCatalog as unknown as FileSchema,
  'ovm-config': ovmConfig as unknown as FileSchema,
  'ovmm-sysconfig': ovmmSysconfig as unknown as FileSchema,
};

/** The schema of a key (direct property or the first matching patternProperty). */
export function propertySchema(lang: LanguageId, key: string): PropertySchema | undefined {
  const s = SCHEMAS[lang];
  if (!s) return undefined;
  if (Object.prototype.hasOwnProperty.call(s.properties, key)) return s.properties[key];
  for (const [pat, ps] of Object.entries(s.patternProperties ?? {})) {
    try {
      if (new RegExp(pat).test(key)) return ps;
    } catch {
      /* ignore */
    }
  }
  return undefined;
}

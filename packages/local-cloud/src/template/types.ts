/** One resource as written in the template (intrinsics in their long form). */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
  Metadata?: Record<string, unknown>;
}

/** A template parameter declaration. */
export interface TemplateParameter {
  Type?: string;
  Default?: unknown;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
  Description?: string;
  NoEcho?: boolean;
}

/** A parsed CloudFormation/SAM template. */
export interface Template {
  AWSTemplateFormatVersion?: string;
  Transform?: string | string[];
  Description?: string;
  Parameters?: Record<string, TemplateParameter>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Globals?: Record<string, Record<string, unknown>>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string; Condition?: string }>;
}

/** A parameter's value: a string, or a list for list types. */
export type ParameterValue = string | string[];

/** The pseudo parameters (`AWS::Region` ...) of a local stack. */
export interface StackInfo {
  stackName: string;
  accountId: string;
  region: string;
  partition: string;
  urlSuffix: string;
}

export declare const syncGeneratedFile: (
  file: string,
  render: (current: string) => string,
  command: string,
) => void;

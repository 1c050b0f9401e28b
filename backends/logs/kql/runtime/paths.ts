/**
 * parse_path(path): Kusto's parts of a file path (the reference's parse_path page): Scheme,
 * RootPath (a drive, `C:`), DirectoryPath, DirectoryName, Filename, Extension (without the dot)
 * and AlternateDataStreamName (`file.exe:stream`). Both slashes separate; UNC paths
 * (`\\server\share\...`) keep their leading backslashes in DirectoryPath.
 */
export interface PathParts {
  readonly Scheme: string;
  readonly RootPath: string;
  readonly DirectoryPath: string;
  readonly DirectoryName: string;
  readonly Filename: string;
  readonly Extension: string;
  readonly AlternateDataStreamName: string;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const DRIVE = /^(?:\\\\\?\\)?([A-Za-z]:)/;

export function parsePath(path: string): PathParts {
  const scheme = SCHEME.exec(path);
  const rest = scheme ? path.slice(scheme[0].length) : path;
  const drive = DRIVE.exec(rest);
  const lastSeparator = Math.max(rest.lastIndexOf('/'), rest.lastIndexOf('\\'));
  const directoryPath = lastSeparator < 0 ? '' : rest.slice(0, lastSeparator);
  let name = rest.slice(lastSeparator + 1);
  // A drive letter with no separator after it (`C:file.txt`) is not a stream name.
  const driveOnly = lastSeparator < 0 && drive ? drive[0].length : 0;
  const colon = name.indexOf(':', driveOnly);
  const stream = colon < 0 ? '' : name.slice(colon + 1);
  if (colon >= 0) name = name.slice(0, colon);
  if (driveOnly) name = name.slice(driveOnly);
  const segments = directoryPath.split(/[\\/]/).filter((s) => s !== '');
  const directoryName = segments.length > 0 ? segments[segments.length - 1] : '';
  const dot = name.lastIndexOf('.');
  return {
    Scheme: scheme ? scheme[1] : '',
    RootPath: drive ? drive[1] : '',
    DirectoryPath: directoryPath,
    DirectoryName: directoryName === drive?.[1] ? '' : directoryName,
    Filename: name,
    Extension: dot < 0 ? '' : name.slice(dot + 1),
    AlternateDataStreamName: stream,
  };
}

import { describe, expect, it } from 'vitest';
import { checkMemberPath } from '../src/safety/member-path.js';

describe('checkMemberPath', () => {
  it.each([['manifest.json'], ['ops_artifacts/main/model.onnx'], ['./meta.json'], ['dir/'], ['a..b/c..'], ['naïve/файл.json']])(
    'accepts the safe relative name %j',
    (name) => {
      expect(checkMemberPath(name)).toBeUndefined();
    },
  );

  it.each([
    ['', 'EMPTY_NAME'],
    ['.', 'EMPTY_NAME'],
    ['./', 'EMPTY_NAME'],
    ['//', 'EMPTY_NAME'],
    ['a\u0000b', 'NUL_IN_NAME'],
    ['/etc/passwd', 'ABSOLUTE_PATH'],
    ['\\windows\\system32', 'ABSOLUTE_PATH'],
    ['C:/x', 'ABSOLUTE_PATH'],
    ['c:x', 'ABSOLUTE_PATH'],
    ['..', 'PATH_TRAVERSAL'],
    ['../x', 'PATH_TRAVERSAL'],
    ['a/../../x', 'PATH_TRAVERSAL'],
    ['a/./../b', 'PATH_TRAVERSAL'],
    ['a\\..\\..\\x', 'PATH_TRAVERSAL'],
    ['a/..', 'PATH_TRAVERSAL'],
  ])('refuses %j with %s', (name, code) => {
    expect(checkMemberPath(name)?.code).toBe(code);
  });
});

/** Runs in every test file before its tests: whatever tempDir() made is removed after the file. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/paths.js';

// Registered first, so (hooks run as a stack) it runs after the file's own afterAll hooks stop servers and children.
afterAll(removeTempDirs);

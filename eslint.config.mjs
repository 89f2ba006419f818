// typescript-eslint over src/ and test/; core never imports the faces
// (docs/ARCHITECTURE.md, "The control path": a face only translates).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'native/build/', 'native/build-prebuilt/', 'node_modules/', 'bench/results/'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-console': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/node-red/**', '**/homebridge/**'], message: 'core never imports an adapter' },
          ],
        },
      ],
    },
  },
);

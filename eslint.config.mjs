// typescript-eslint over src/ and test/; core never imports the adapters (STYLE.md, after go2rtc).
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

// Lets tsc type-check the .ts modules that import components; the Svelte compiler checks the
// components themselves during the Vite build.
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<any>;
  export default component;
}

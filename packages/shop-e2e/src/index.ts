// The shop's own demo data and helpers, for the demo, this suite and the shop's other tools.

export { SAMPLE_JPEG_LANDSCAPE, SAMPLE_JPEG_PORTRAIT } from '@shop/testing/images';
export { DEMO_ORDER, runDemo } from './demo.js';
export { DEMO_CUSTOMER, mintToken } from './token.js';

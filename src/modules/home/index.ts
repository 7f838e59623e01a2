export { homePages } from './home.pages.tsx';

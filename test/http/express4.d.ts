// Express 4 is installed beside Express 5 under the alias "express4"; the types are the same shape.
declare module 'express4' {
  import express from 'express';
  export default express;
}

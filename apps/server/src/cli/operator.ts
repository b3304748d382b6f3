import { localOperator } from '../modules/access/actor.js';

/** The CLI works on the database it was pointed at, as its operator (audited as cli:<user>@<host>). */
export const operator = () => localOperator('cli');

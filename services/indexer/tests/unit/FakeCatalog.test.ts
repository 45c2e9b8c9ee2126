import { FakeCatalog } from '../support/fakes.js';
import { mediaCatalogContract } from '../support/mediaCatalogContract.js';

// The in-memory catalog of the use-case tests passes the same contract as DynamoDBMediaCatalog.
const catalog = new FakeCatalog();

mediaCatalogContract('FakeCatalog', () => catalog);

import { fleetContract } from './fleet-contract';
import { iothubHarness, localHarness } from './harness';

fleetContract('local (SQLite registry)', localHarness);
fleetContract('iothub (azure-iothub over a fake REST transport)', iothubHarness);

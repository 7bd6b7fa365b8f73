// Every module of src/tracking/pricing, for the test of what they load.
import "../../../src/tracking/pricing/bundled_prices.ts";
import "../../../src/tracking/pricing/find_model_price.ts";
import "../../../src/tracking/pricing/load_price_table_from_env.ts";
import "../../../src/tracking/pricing/price_call.ts";
import "../../../src/tracking/pricing/price_table.ts";
import "../../../src/tracking/pricing/summarize_costs.ts";

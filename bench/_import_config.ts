// Cold-start probe: the cost of loading the config area (what `validate` needs besides the CLI).
import "../src/config/load_workflow.ts";

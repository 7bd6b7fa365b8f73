// Cold-start probe: every module `validate` loads (the CLI entry and the validate command),
// without running anything.
import "../src/cli/main.ts";
import "../src/cli/validate_command.ts";

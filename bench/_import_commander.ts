// Cold-start probe: the cost of loading "commander" alone.
import "commander";

// Cold-start probe: the cost of loading "zod" alone.
import "zod";

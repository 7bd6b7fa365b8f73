// Cold-start probe: the cost of loading "yaml" alone.
import "yaml";

// Entry point for a standard Pulumi install (`pulumi up` in this folder, see Pulumi.yaml).
import { program } from "./index";

export = program();

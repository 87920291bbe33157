// Entry point for the benchmark's stack runs (see Pulumi.yaml).
import { program } from "./index";

export = program();

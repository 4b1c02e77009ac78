// The simulator's version, written into every trace header.
export const ROCKETSIM_VERSION = "0.1.0";

namespace VmxLayers;

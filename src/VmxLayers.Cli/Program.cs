using VmxLayers.Cli;

return CliApp.Run(args);

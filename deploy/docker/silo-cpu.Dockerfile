# syntax=docker/dockerfile:1
# A silo of role cpu (registration with elastix, support selection, localisation and GrabCut refinement).
# Build from the repository root:  docker build -f deploy/docker/silo-cpu.Dockerfile -t sammpa-silo-cpu .
# Configuration: environment variables (deploy/docker/README.md), e.g. Storage__Provider=azure.

FROM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS build
WORKDIR /src
# Project files first: the restore layer is reused until a project or the central package versions change.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Grains.Abstractions/Grains.Abstractions.csproj src/Grains.Abstractions/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Imaging/Imaging.csproj src/Imaging/
COPY src/Storage/Storage.csproj src/Storage/
COPY src/Hosting/Hosting.csproj src/Hosting/
COPY src/Silo/Silo.csproj src/Silo/
# SiloNative=cpu: ONNX Runtime's CPU build (Microsoft.ML.OnnxRuntime), no CUDA libraries (src/Silo/Silo.csproj).
RUN dotnet restore src/Silo/Silo.csproj -r linux-x64 -p:SiloNative=cpu
COPY src/ src/
# linux-x64 only: no Windows native libraries.
RUN dotnet publish src/Silo -c Release -r linux-x64 --self-contained false --no-restore -p:SiloNative=cpu -o /app

# The .NET and ASP.NET Core runtimes (the silo is a web host: health and metrics), copied below onto Debian: .NET 10
# images are Ubuntu-based, elastix comes from Debian.
FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble AS dotnet

FROM debian:12.14-slim
# elastix and transformix (Debian's 5.0.1, the version the bundled parameter maps are tested with), then what the
# .NET runtime needs (no ICU: the apps use invariant globalization), then what OpenCvSharp's native library links
# (GTK 3 for its highgui, and a few libraries GTK does not bring; as scripts/ensure-tools): stage rf's GrabCut.
RUN apt-get update \
    && apt-get install -y --no-install-recommends elastix ca-certificates libssl3 tzdata \
        libgtk-3-0 libdrm2 libatomic1 libfreetype6 libharfbuzz0b \
    && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
    && groupadd --system --gid 10001 sammpa \
    && useradd --system --uid 10001 --gid sammpa --create-home --home-dir /home/sammpa --shell /usr/sbin/nologin sammpa \
    && mkdir /data && chown sammpa:sammpa /data
WORKDIR /app
COPY --from=build /app .
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    SAMMPA_HOME=/data \
    Orleans__Metadata__role=cpu \
    Orleans__HttpBindAddress=0.0.0.0
# silo, gateway, Prometheus /metrics, /health/live and /health/ready
EXPOSE 11111 30000 9464 8080
USER 10001
ENTRYPOINT ["dotnet", "SamMpa.Silo.dll"]

# syntax=docker/dockerfile:1
# The sammpa command line: commands on a cluster (ingest, select, annotate, run, status, watch, download, cancel),
# and eval/demo on a silo embedded in the process (hence elastix, like a cpu silo).
# Build from the repository root:  docker build -f deploy/docker/client.Dockerfile -t sammpa-client .
# Run:  docker run --rm -e SAMMPA_Storage__Provider=azure -e SAMMPA_Storage__Azure__ConnectionString=... sammpa-client status --dataset cxr

FROM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS build
WORKDIR /src
# Project files first: the restore layer is reused until a project or the central package versions change.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Grains.Abstractions/Grains.Abstractions.csproj src/Grains.Abstractions/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Imaging/Imaging.csproj src/Imaging/
COPY src/Storage/Storage.csproj src/Storage/
COPY src/Hosting/Hosting.csproj src/Hosting/
COPY src/Reports/Reports.csproj src/Reports/
COPY src/Client/Client.csproj src/Client/
RUN dotnet restore src/Client/Client.csproj -r linux-x64
COPY src/ src/
# linux-x64 only (no Windows native libraries); ONNX Runtime's CPU build (src/Client/Client.csproj), no CUDA.
RUN dotnet publish src/Client -c Release -r linux-x64 --self-contained false --no-restore -o /app

# The .NET and ASP.NET Core runtimes (the embedded silo shares the silo's hosting library, a web host's), copied below
# onto Debian: .NET 10 images are Ubuntu-based, elastix comes from Debian.
FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble AS dotnet

FROM debian:12.14-slim
# elastix for the embedded silo of eval and demo, then what the .NET runtime needs (no ICU: invariant globalization).
RUN apt-get update \
    && apt-get install -y --no-install-recommends elastix ca-certificates libssl3 tzdata \
    && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
    && groupadd --system --gid 10001 sammpa \
    && useradd --system --uid 10001 --gid sammpa --create-home --home-dir /home/sammpa --shell /usr/sbin/nologin sammpa \
    && mkdir /work && chown sammpa:sammpa /work
WORKDIR /app
COPY --from=build /app .
ENV DOTNET_RUNNING_IN_CONTAINER=true
# Relative paths and ./sammpa.json are read from /work: mount data and settings there.
WORKDIR /work
USER 10001
ENTRYPOINT ["dotnet", "/app/sammpa.dll"]
CMD ["--help"]

# syntax=docker/dockerfile:1
# A silo of role gpu (embedding; SAM when a model package is configured) on an NVIDIA GPU.
# Build from the repository root:  docker build -f deploy/docker/silo-gpu.Dockerfile -t sammpa-silo-gpu .
# Run with the NVIDIA Container Toolkit (docker run --gpus all ...; on Kubernetes, a nvidia.com/gpu resource).
#
# CUDA and cuDNN: ONNX Runtime 1.31 (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0, Directory.Packages.props) is built with
# CUDA 13.0 and needs the CUDA 13.x runtime libraries (libcudart.so.13, libcublas.so.13, libcublasLt.so.13,
# libcurand.so.10; libcufft and libnvrtc loaded on demand) and cuDNN 9.x (libcudnn.so.9). The requirements table of
# the ORT docs (onnxruntime.ai/docs/execution-providers/CUDA-ExecutionProvider.html#requirements) stops at CUDA 12.x
# with cuDNN 9.x (ORT 1.19 and later) and does not cover CUDA 13, which ORT moved to in 1.27 (microsoft/onnxruntime
# issue 29767), so these versions are read from the package itself: the NEEDED entries of
# libonnxruntime_providers_cuda.so and its "Cuda compilation tools, release 13.0" build stamp. Any CUDA 13.x runtime
# works (minor version compatibility); CUDA 12 and cuDNN 8 do not. The host needs an NVIDIA driver for CUDA 13 (R580
# or newer). This base image: CUDA 13.0.1 with cuDNN 9.13 on Ubuntu 24.04.

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
# SiloNative=gpu: ONNX Runtime's CUDA build (Microsoft.ML.OnnxRuntime.Gpu.Linux) instead of the CPU one (src/Silo/Silo.csproj).
RUN dotnet restore src/Silo/Silo.csproj -r linux-x64 -p:SiloNative=gpu
COPY src/ src/
# linux-x64 only: no Windows native libraries.
RUN dotnet publish src/Silo -c Release -r linux-x64 --self-contained false --no-restore -p:SiloNative=gpu -o /app

# The .NET and ASP.NET Core runtimes (the silo is a web host: health and metrics; the same Ubuntu 24.04 as the CUDA
# image), copied below.
FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble AS dotnet

FROM nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04
# What the .NET runtime needs (no ICU: the apps use invariant globalization).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3t64 libstdc++6 tzdata zlib1g \
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
    Orleans__Metadata__role=gpu \
    Orleans__HttpBindAddress=0.0.0.0 \
    Models__Device=cuda
# silo, gateway, Prometheus /metrics, /health/live and /health/ready
EXPOSE 11111 30000 9464 8080
USER 10001
ENTRYPOINT ["dotnet", "SamMpa.Silo.dll"]

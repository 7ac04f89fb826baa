"""Maps the source folders to their import names and finds every subpackage in them.

The folder names (sdk/, app/, scene/, kernels/) differ from the import names, so the package list is
derived here rather than written by hand: a new subpackage can never be left out of the wheel.
"""
from setuptools import find_packages, setup

FOLDER_OF_PACKAGE = {
    "rerun": "sdk",
    "rerun_app": "app",
    "rerun_scene": "scene",
    "rerun_kernels": "kernels",
    "rerun_demo": "demo",  # Rerun 0.4.0 shipped rerun_demo beside rerun
}

packages = []
for package, folder in FOLDER_OF_PACKAGE.items():
    packages.append(package)
    packages.extend(f"{package}.{sub}" for sub in find_packages(folder))

setup(
    packages=packages,
    package_dir=FOLDER_OF_PACKAGE,
    package_data={"": ["*.npy", "*.json", "*.ttf", "*.html", "*.js", "*.css", "*.glsl", "py.typed"],
                  "rerun_app.web": ["static/*.html", "static/*.js"]},
)

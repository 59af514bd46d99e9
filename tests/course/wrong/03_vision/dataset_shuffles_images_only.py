# notebook: vision.ipynb
# cell: DigitsDataset
# loses: test_dataset_values, test_digits_training
# why: shuffles the images in __init__ but not the labels, so images and labels no longer pair up
class DigitsDataset(Dataset):
    def __init__(self, images, labels, transform=None):
        self.images = images[torch.randperm(len(images))]
        self.labels = labels.to(torch.int64)
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        image = self.images[index]
        if self.transform is not None:
            image = self.transform(image)
        return image, self.labels[index]
